"""Non-English mentions (Spanish, French, German, Portuguese) with the same labels.

Each language has its own items (tagged with an industry, so held-out industries stay in
test) and its own frames; a frame carries its emotion. Frames and items are split into
train and test families by the builder like the English ones.
"""

from __future__ import annotations

# Items: (text..., industry, topic codes). Frames: (frame, emotion).
LANGS: dict[str, dict[str, tuple[tuple[str, ...], ...]]] = {
    "es": {
        "promises": (
            ("entrega en 48 horas", "el paquete tardó tres semanas", "ecommerce_retail", "del"),
            ("fibra de 600 megas", "no llego ni a 50", "telecom", "pq"),
            ("el reembolso en 5 días", "llevo un mes esperando", "bank_fintech", "bill"),
            ("una habitación con vistas al mar", "nos dieron una que daba al parking", "hotel", "pq"),
            ("salida a las 9", "despegamos a las 2 de la tarde", "airline", "out"),
            ("cancelación gratuita", "me cobraron 30 euros", "car_rental_ride_hailing", "bill pol"),
            ("acceso 24 horas", "cierran a las 10 de la noche", "fitness_gym", "pol"),
            ("un tren cada 10 minutos", "esperé 40 minutos en el andén", "public_transport", "wait out"),
            ("cobertura total", "rechazaron mi parte sin explicación", "insurance", "pol"),
        ),
        "problems": (
            ("mi pedido todavía no ha llegado", "ecommerce_retail", "del"),
            ("llevo una hora esperando al teléfono", "telecom", "wait cs"),
            ("la app se cierra cada vez que intento pagar", "bank_fintech", "app"),
            ("el recepcionista fue muy borde con nosotros", "hotel", "store"),
            ("han cancelado mi vuelo sin avisar", "airline", "out"),
            ("me han cobrado dos veces este mes", "streaming_media", "bill"),
            ("las duchas del gimnasio llevan una semana frías", "fitness_gym", "pq"),
            ("la comida llegó fría y faltaba la bebida", "food_delivery", "pq del"),
        ),
        "praise": (
            ("la atención al cliente fue excelente", "telecom", "cs"),
            ("la comida llegó caliente y rapidísimo", "food_delivery", "del pq"),
            ("el personal del hotel fue encantador", "hotel", "store"),
            ("la app funciona de maravilla", "bank_fintech", "app"),
            ("muy buena relación calidad-precio", "ecommerce_retail", "pr"),
            ("el conductor fue amabilísimo", "public_transport", "store"),
        ),
        "surprises": (
            ("me devolvieron el dinero sin que lo pidiera", "ecommerce_retail", "bill"),
            ("nos subieron a una suite gratis", "hotel", "store"),
            ("el técnico vino el mismo día", "telecom", "store"),
            ("me regalaron un postre por el retraso", "food_delivery", "pq"),
            ("pagaron la reparación en una semana", "insurance", "bill"),
        ),
        "questions": (
            ("¿hacéis envíos a Canarias?", "ecommerce_retail", "del"),
            ("¿el plan familiar incluye roaming?", "telecom", "pol"),
            ("¿a qué hora abre la oficina el sábado?", "bank_fintech", "store"),
            ("¿se puede llevar una bici en el tren?", "public_transport", "pol"),
            ("¿la tarifa incluye equipaje de mano?", "airline", "pol"),
        ),
    },
    "fr": {
        "promises": (
            ("une livraison en 24h", "le colis est arrivé au bout de dix jours", "ecommerce_retail", "del"),
            ("la fibre à 1 Gb/s", "j'ai à peine 30 Mb/s", "telecom", "pq"),
            ("un remboursement sous 7 jours", "j'attends depuis deux mois", "bank_fintech", "bill"),
            ("le petit-déjeuner inclus", "on nous l'a facturé 18 euros", "hotel", "bill pol"),
            ("un départ à 7h", "l'avion a décollé à midi", "airline", "out"),
            ("un bus toutes les 10 minutes", "j'ai attendu 45 minutes sous la pluie", "public_transport", "wait out"),
            ("une résiliation sans frais", "ils me réclament 60 euros", "fitness_gym", "pol bill"),
            ("une prise en charge rapide du sinistre", "mon dossier est bloqué depuis trois mois", "insurance", "wait"),
        ),
        "problems": (
            ("ma commande n'est toujours pas arrivée", "ecommerce_retail", "del"),
            ("impossible de me connecter à mon compte depuis hier", "bank_fintech", "acc"),
            ("le livreur a laissé le colis devant la porte sous la pluie", "ecommerce_retail", "del"),
            ("le service client m'a raccroché au nez", "telecom", "cs"),
            ("mon vol est encore retardé", "airline", "out"),
            ("l'appli plante à chaque mise à jour", "streaming_media", "app"),
            ("le contrôleur a été très désagréable", "public_transport", "store"),
        ),
        "praise": (
            ("le service client a été super efficace", "telecom", "cs"),
            ("livraison rapide et colis impeccable", "ecommerce_retail", "del"),
            ("le personnel de l'hôtel était adorable", "hotel", "store"),
            ("l'application est vraiment bien faite", "bank_fintech", "app"),
            ("les coachs sont top", "fitness_gym", "store"),
        ),
        "surprises": (
            ("ils m'ont remboursé sans que je le demande", "ecommerce_retail", "bill"),
            ("on a été surclassés gratuitement", "airline", "store"),
            ("le technicien est passé le jour même", "telecom", "store"),
            ("ils ont remplacé mon casque sans poser de questions", "consumer_electronics", "cs pq"),
        ),
        "questions": (
            ("vous livrez en Belgique ?", "ecommerce_retail", "del"),
            ("est-ce que l'offre inclut Netflix ?", "telecom", "pol"),
            ("la carte fonctionne-t-elle à l'étranger ?", "bank_fintech", "pol"),
            ("les chiens sont-ils acceptés dans le train ?", "public_transport", "pol"),
        ),
    },
    "de": {
        "promises": (
            ("Lieferung in 2 Tagen", "das Paket kam nach drei Wochen", "ecommerce_retail", "del"),
            ("500 Mbit/s", "ich bekomme gerade mal 40", "telecom", "pq"),
            ("eine Erstattung innerhalb von 5 Tagen", "ich warte seit sechs Wochen", "bank_fintech", "bill"),
            ("ein ruhiges Zimmer", "wir lagen direkt über der Bar", "hotel", "pq"),
            ("eine kostenlose Stornierung", "sie haben 40 Euro einbehalten", "car_rental_ride_hailing", "bill pol"),
            ("einen Zug alle 15 Minuten", "ich stand 50 Minuten am Bahnsteig", "public_transport", "wait out"),
            ("eine schnelle Schadensregulierung", "seit vier Monaten passiert nichts", "insurance", "wait"),
            ("Zugang rund um die Uhr", "nach 22 Uhr ist abgeschlossen", "fitness_gym", "pol"),
        ),
        "problems": (
            ("meine Bestellung ist immer noch nicht da", "ecommerce_retail", "del"),
            ("seit heute Morgen kein Internet", "telecom", "out"),
            ("die App stürzt ständig ab", "bank_fintech", "app"),
            ("mein Flug wurde gestrichen", "airline", "out"),
            ("der Fahrer war unglaublich unfreundlich", "car_rental_ride_hailing", "store"),
            ("mir wurde zweimal abgebucht", "streaming_media", "bill"),
            ("eine Stunde in der Warteschleife", "utilities_energy", "wait cs"),
        ),
        "praise": (
            ("super Kundenservice, alles in fünf Minuten geklärt", "telecom", "cs"),
            ("das Essen kam heiß und pünktlich", "food_delivery", "pq del"),
            ("sehr freundliches Personal an der Rezeption", "hotel", "store"),
            ("die neue App ist richtig gut", "bank_fintech", "app"),
            ("Preis-Leistung stimmt absolut", "grocery_supermarket", "pr"),
        ),
        "surprises": (
            ("sie haben mir das Geld ohne Nachfrage erstattet", "ecommerce_retail", "bill"),
            ("wir bekamen ein kostenloses Upgrade", "hotel", "store"),
            ("der Techniker kam noch am selben Tag", "telecom", "store"),
            ("sie haben mir den Monat erlassen, als das Bad gesperrt war", "fitness_gym", "bill"),
        ),
        "questions": (
            ("liefert ihr auch nach Österreich?", "ecommerce_retail", "del"),
            ("ist Roaming im Tarif enthalten?", "telecom", "pol"),
            ("kann ich mein Fahrrad im Zug mitnehmen?", "public_transport", "pol"),
            ("gibt es einen Studentenrabatt?", "streaming_media", "pr"),
        ),
    },
    "pt": {
        "promises": (
            ("entrega em 2 dias", "a encomenda demorou três semanas", "ecommerce_retail", "del"),
            ("internet de 500 mega", "não passa de 30", "telecom", "pq"),
            ("reembolso em 5 dias úteis", "já passou um mês", "bank_fintech", "bill"),
            ("quarto com vista para o mar", "a janela dava para um muro", "hotel", "pq"),
            ("entrega em 30 minutos", "a comida chegou depois de uma hora e meia", "food_delivery", "del wait"),
            ("cobertura completa", "recusaram o sinistro", "insurance", "pol"),
            ("um ônibus a cada 10 minutos", "esperei 40 minutos no ponto", "public_transport", "wait out"),
        ),
        "problems": (
            ("meu pedido ainda não chegou", "ecommerce_retail", "del"),
            ("o app não abre desde ontem", "bank_fintech", "app"),
            ("fiquei uma hora esperando no telefone", "telecom", "wait cs"),
            ("cancelaram meu voo sem aviso", "airline", "out"),
            ("o motorista foi grosso comigo", "car_rental_ride_hailing", "store"),
            ("cobraram duas vezes no meu cartão", "streaming_media", "bill"),
            ("a academia está sempre lotada e com aparelhos quebrados", "fitness_gym", "pq"),
        ),
        "praise": (
            ("atendimento excelente, resolveram tudo rápido", "telecom", "cs"),
            ("a comida chegou quentinha", "food_delivery", "pq del"),
            ("os funcionários do hotel foram uns amores", "hotel", "store"),
            ("o app é muito fácil de usar", "bank_fintech", "app"),
            ("ótimo custo-benefício", "ecommerce_retail", "pr"),
        ),
        "surprises": (
            ("devolveram o dinheiro sem eu pedir", "ecommerce_retail", "bill"),
            ("ganhamos um upgrade de quarto de graça", "hotel", "store"),
            ("o técnico veio no mesmo dia", "telecom", "store"),
            ("mandaram uma sobremesa de cortesia pelo atraso", "food_delivery", "pq"),
        ),
        "questions": (
            ("vocês entregam em Portugal?", "ecommerce_retail", "del"),
            ("o plano família inclui roaming?", "telecom", "pol"),
            ("a agência abre no sábado?", "bank_fintech", "store"),
            ("posso levar bicicleta no metrô?", "public_transport", "pol"),
        ),
    },
}

FFRAMES: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "es": {
        "shortfall": (
            ("[[Me prometieron {np}]] y [[{real}]].", "disappointment"),
            ("[[{^real}]], y eso que [[pagué por {np}]]. Una vergüenza.", "anger"),
            ("[[Anunciaban {np}]] pero [[{real}]]. Estoy harta.", "frustration"),
            ("[[Contraté {np}]] y [[{real}]]. Qué decepción.", "disappointment"),
            ("{b}, [[se supone que ofrecéis {np}]] y [[{real}]].", "frustration"),
        ),
        "problem": (
            ("{^p}.", "frustration"),
            ("{^p}. ¡Qué vergüenza!", "anger"),
            ("Otra vez {p}. Estoy harto.", "frustration"),
            ("{b}, {p}. ¿Qué hago ahora?", "anxiety"),
            ("Hola, {p}. ¿Me podéis ayudar, por favor?", "neutral"),
        ),
        "praise": (
            ("{^pr}. ¡Gracias {b}!", "joy"),
            ("{^pr} 😍", "joy"),
            ("Tengo que decirlo: {pr}. ¡Increíble!", "delight"),
            ("{^pr}. Así da gusto.", "joy"),
        ),
        "exceeded": (
            ("[[{^past}]], [[algo que no me esperaba]].", "delight"),
            ("[[Qué sorpresa]]: [[{past}]].", "delight"),
            ("[[Superaron mis expectativas]]: [[{past}]].", "joy"),
            ("[[No me lo esperaba]], [[{past}]]. ¡Gracias {b}!", "joy"),
        ),
        "question": (("Hola {b}, {q}", "neutral"), ("{^q}", "neutral"), ("Una pregunta: {q}", "neutral")),
    },
    "fr": {
        "shortfall": (
            ("[[On m'avait promis {np}]] et [[{real}]].", "disappointment"),
            ("[[{^real}]] alors que [[j'ai payé pour {np}]]. Inadmissible.", "anger"),
            ("[[Vous annoncez {np}]] mais [[{real}]]. Ras le bol.", "frustration"),
            ("[[J'ai choisi {b} pour {np}]], et [[{real}]]. Très déçu.", "disappointment"),
            ("[[Normalement {np}]]... [[{real}]].", "frustration"),
        ),
        "problem": (
            ("{^p}.", "frustration"),
            ("{^p}. C'est une honte !", "anger"),
            ("Encore une fois, {p}. J'en ai marre.", "frustration"),
            ("{b}, {p}. Je fais quoi maintenant ?", "anxiety"),
            ("Bonjour, {p}. Pouvez-vous m'aider s'il vous plaît ?", "neutral"),
        ),
        "praise": (("{^pr}. Merci {b} !", "joy"), ("{^pr} 👏", "joy"), ("Franchement, {pr}. Génial !", "delight")),
        "exceeded": (
            ("[[{^past}]], [[je ne m'y attendais pas du tout]].", "delight"),
            ("[[Agréablement surpris]] : [[{past}]].", "joy"),
            ("[[Bien au-delà de mes attentes]] : [[{past}]].", "delight"),
        ),
        "question": (("Bonjour {b}, {q}", "neutral"), ("{^q}", "neutral"), ("Petite question : {q}", "neutral")),
    },
    "de": {
        "shortfall": (
            ("[[Versprochen war {np}]], aber [[{real}]].", "disappointment"),
            ("[[{^real}]], obwohl [[ich für {np} bezahlt habe]]. Unverschämt.", "anger"),
            ("[[Ihr werbt mit {np}]] und [[{real}]]. Nervt total.", "frustration"),
            ("[[Gebucht hatte ich {np}]], [[{real}]]. Echt enttäuschend.", "disappointment"),
        ),
        "problem": (
            ("{^p}.", "frustration"),
            ("{^p}. Eine Frechheit!", "anger"),
            ("Schon wieder: {p}. Ich habe die Nase voll.", "frustration"),
            ("{b}, {p}. Was soll ich jetzt machen?", "anxiety"),
            ("Hallo, {p}. Könnt ihr mir bitte helfen?", "neutral"),
        ),
        "praise": (("{^pr}. Danke {b}!", "joy"), ("{^pr} 👍", "joy"), ("Ehrlich, {pr}. Großartig!", "delight")),
        "exceeded": (
            ("[[{^past}]], [[damit hatte ich nicht gerechnet]].", "delight"),
            ("[[Positiv überrascht]]: [[{past}]].", "joy"),
            ("[[Hätte ich nie erwartet]]: [[{past}]].", "delight"),
        ),
        "question": (("Hallo {b}, {q}", "neutral"), ("{^q}", "neutral"), ("Kurze Frage: {q}", "neutral")),
    },
    "pt": {
        "shortfall": (
            ("[[Prometeram {np}]] e [[{real}]].", "disappointment"),
            ("[[{^real}]], mesmo [[pagando por {np}]]. Um absurdo.", "anger"),
            ("[[Anunciam {np}]] mas [[{real}]]. Cansei.", "frustration"),
            ("[[Contratei {np}]] e [[{real}]]. Que decepção.", "disappointment"),
        ),
        "problem": (
            ("{^p}.", "frustration"),
            ("{^p}. Que vergonha!", "anger"),
            ("De novo: {p}. Não aguento mais.", "frustration"),
            ("{b}, {p}. E agora?", "anxiety"),
            ("Olá, {p}. Podem me ajudar, por favor?", "neutral"),
        ),
        "praise": (("{^pr}. Obrigado {b}!", "joy"), ("{^pr} ❤️", "joy"), ("Sério, {pr}. Incrível!", "delight")),
        "exceeded": (
            ("[[{^past}]], [[não esperava por isso]].", "delight"),
            ("[[Fiquei surpreso]]: [[{past}]].", "joy"),
            ("[[Superou minhas expectativas]]: [[{past}]].", "delight"),
        ),
        "question": (("Olá {b}, {q}", "neutral"), ("{^q}", "neutral"), ("Uma dúvida: {q}", "neutral")),
    },
}

# kind -> (sentiment, gap, complaint, item field)
KINDS = {
    "shortfall": ("negative", "shortfall", True, "promises"),
    "problem": ("negative", "none", True, "problems"),
    "praise": ("positive", "none", False, "praise"),
    "exceeded": ("positive", "exceeded", False, "surprises"),
    "question": ("neutral", "none", False, "questions"),
}
KIND_WEIGHTS = {"shortfall": 0.3, "problem": 0.25, "praise": 0.2, "exceeded": 0.1, "question": 0.15}

GREET = {
    "es": ("Hola,", "Buenos días,"),
    "fr": ("Bonjour,", "Madame, Monsieur,"),
    "de": ("Hallo,", "Guten Tag,"),
    "pt": ("Olá,", "Bom dia,"),
}
SIGN = {
    "es": ("Saludos,", "Gracias,"),
    "fr": ("Cordialement,", "Merci,"),
    "de": ("Viele Grüße,", "Danke,"),
    "pt": ("Atenciosamente,", "Obrigado,"),
}
