"""What passengers say about an airline in Spanish, French, German and Portuguese."""

from __future__ import annotations

from listener.sources.demo.model import TopicText

__all__ = ["DE", "ES", "FR", "PT"]

ES = {
    "delays": TopicText(
        problems=(
            "mi vuelo {code} a {city} lleva {hours} horas de retraso",
            "{brand} canceló el vuelo de {city} a {city2} una hora antes de embarcar",
        ),
        shortfalls=(
            "se suponía que salíamos a las 9 y seguimos en la puerta {hours} horas después",
            "prometieron reubicarnos en el siguiente vuelo y el siguiente es mañana",
        ),
        praise=("vuelo puntual a {city} y aterrizamos antes de hora, genial",),
        exceeded=("no esperaba que {brand} me buscara otra conexión antes de aterrizar, increíble",),
        questions=("¿con cuánta antelación hay que estar en el aeropuerto de {city}?",),
    ),
    "baggage": TopicText(
        problems=(
            "{brand} perdió mi maleta en {city}, reclamación {code}",
            "llevo {mins} minutos esperando la maleta en {city}",
        ),
        shortfalls=("pagué {amount} por equipaje prioritario y mi maleta salió la última",),
        praise=("las maletas salieron rapidísimo en {city}",),
        exceeded=("me llevaron la maleta perdida al hotel esa misma noche, no me lo esperaba",),
        questions=("¿cuánto mide la maleta de cabina permitida en {brand}?",),
    ),
    "refunds": TopicText(
        problems=("sigo esperando el reembolso del vuelo cancelado {code}",),
        shortfalls=("me prometieron el reembolso en 7 días y ya van {n} semanas",),
        praise=("el reembolso llegó en dos días, gracias {brand}",),
        questions=("¿cuánto tarda un reembolso de {brand} en la tarjeta?",),
    ),
    "crew": TopicText(
        praise=("la tripulación de {brand} en el vuelo a {city} fue encantadora",),
        exceeded=("la tripulación se enteró de nuestro aniversario y nos trajo postre, se pasaron",),
        problems=("la azafata del vuelo {code} fue muy borde con una señora mayor",),
    ),
    "customer_service": TopicText(
        problems=("llevo {mins} minutos en espera con {brand}",),
        shortfalls=("dicen que responden en 24 horas y escribí hace {n} días",),
        praise=("atención al cliente de {brand} me lo solucionó en dos minutos",),
    ),
    "checkin_app": TopicText(
        problems=("la app de {brand} se cierra cuando intento hacer el check-in",),
        praise=("check-in en 20 segundos con la app de {brand}, muy bien",),
    ),
}

FR = {
    "delays": TopicText(
        problems=(
            "mon vol {code} pour {city} a {hours} heures de retard",
            "{brand} a annulé le vol {city}-{city2} une heure avant l'embarquement",
        ),
        shortfalls=("on devait partir à 9h, on est toujours à la porte {hours} heures plus tard",),
        praise=("vol à l'heure pour {city}, rien à redire",),
        exceeded=("je ne m'attendais pas à ce que {brand} me trouve une correspondance avant l'atterrissage",),
        questions=("combien de temps avant le vol faut-il être à l'aéroport de {city} ?",),
    ),
    "baggage": TopicText(
        problems=("{brand} a perdu ma valise à {city}, dossier {code}",),
        shortfalls=("j'ai payé {amount} pour le bagage prioritaire et ma valise est arrivée en dernier",),
        praise=("bagages livrés en dix minutes à {city}, bravo",),
        questions=("quelles sont les dimensions du bagage cabine chez {brand} ?",),
    ),
    "refunds": TopicText(
        problems=("toujours pas de remboursement pour le vol annulé {code}",),
        shortfalls=("on m'avait promis un remboursement sous 7 jours, ça fait {n} semaines",),
        exceeded=("remboursé sans même avoir à le demander, agréablement surpris",),
    ),
    "crew": TopicText(
        praise=("équipage {brand} adorable sur le vol pour {city}",),
        exceeded=("l'équipage a pris soin de ma fille qui voyageait seule bien au-delà de ce que j'espérais",),
    ),
    "customer_service": TopicText(
        problems=("{mins} minutes d'attente au téléphone avec {brand}",),
        shortfalls=("le site annonce une réponse sous 24h, j'ai écrit il y a {n} jours",),
        praise=("service client {brand} rapide et efficace, merci",),
    ),
}

DE = {
    "delays": TopicText(
        problems=(
            "mein Flug {code} nach {city} hat {hours} Stunden Verspätung",
            "{brand} hat den Flug von {city} nach {city2} eine Stunde vor Abflug gestrichen",
        ),
        shortfalls=("laut App pünktlich, am Gate dann plötzlich {hours} Stunden Verspätung",),
        praise=("pünktlich in {city} gelandet, so muss das sein",),
        exceeded=("hätte nicht erwartet, dass {brand} mir schon vor der Landung einen neuen Anschluss bucht",),
        questions=("wie früh sollte man bei {brand} in {city} am Flughafen sein?",),
    ),
    "baggage": TopicText(
        problems=("{brand} hat meinen Koffer in {city} verloren, Vorgang {code}",),
        shortfalls=("{amount} für Priority-Gepäck bezahlt und mein Koffer kam als letzter",),
        praise=("Gepäck war in {city} in zehn Minuten da",),
    ),
    "refunds": TopicText(
        problems=("warte immer noch auf die Erstattung für den gestrichenen Flug {code}",),
        shortfalls=("Erstattung sollte in 7 Tagen da sein, jetzt sind es {n} Wochen",),
        questions=("wie lange dauert eine Erstattung bei {brand} normalerweise?",),
    ),
    "seats": TopicText(
        problems=("Sitz {n}C lässt sich nicht verstellen, {city} nach {city2} wird lang",),
        shortfalls=("{amount} für mehr Beinfreiheit bezahlt und einen normalen Sitz bekommen",),
        praise=("die neuen Sitze auf der Strecke nach {city} sind richtig bequem",),
    ),
    "customer_service": TopicText(
        problems=("seit {mins} Minuten in der Warteschleife bei {brand}",),
        praise=("Kundenservice von {brand} hat das in zwei Minuten gelöst, danke",),
        exceeded=("die Mitarbeiterin hat sich mehr Mühe gegeben als ich je erwartet hätte",),
    ),
}

PT = {
    "delays": TopicText(
        problems=(
            "meu voo {code} para {city} está {hours} horas atrasado",
            "a {brand} cancelou o voo de {city} para {city2} uma hora antes do embarque",
        ),
        shortfalls=("era para sair às 9h e ainda estamos no portão {hours} horas depois",),
        praise=("voo pontual para {city}, tudo certo",),
        questions=("com quanta antecedência devo chegar ao aeroporto de {city}?",),
    ),
    "baggage": TopicText(
        problems=("a {brand} perdeu minha mala em {city}, protocolo {code}",),
        shortfalls=("paguei {amount} por bagagem prioritária e minha mala foi a última",),
        exceeded=("não esperava que levassem a mala até o hotel no mesmo dia, superou",),
    ),
    "refunds": TopicText(
        problems=("ainda esperando o reembolso do voo cancelado {code}",),
        shortfalls=("prometeram o reembolso em 7 dias e já se passaram {n} semanas",),
        praise=("reembolso caiu em dois dias, valeu {brand}",),
    ),
    "crew": TopicText(
        praise=("a tripulação da {brand} no voo para {city} foi um amor",),
        exceeded=("a equipe de bordo foi muito além do esperado com meu filho pequeno",),
    ),
}
