"""Entry point: global options, logging, error handling, exit codes.

Exit codes: 0 success; 1 a user error (bad config, bad input, a source that
failed, an unreachable database), explained in one line on stderr; 2 a usage
error (unknown option, missing argument); 130 interrupted with Ctrl-C.

No traceback reaches a user: an unexpected exception (a bug) is one line too,
exit code 1, with the traceback logged only under -vv. Everything printed is
scrubbed of secrets (:mod:`foundation.secrets`).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from cxpulse.cli.commands import register_commands
from cxpulse.cli.context import AppContext
from cxpulse.cli.logs import ScrubbedStream, configure_logging
from foundation.errors import CxPulseError
from foundation.secrets import scrub

__all__ = ["cli", "main", "run"]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="CXPULSE_CONFIG",
    default=None,
    show_envvar=True,
    help="Config file to read. Default: ./config.toml.",
)
@click.option(
    "--db",
    "database_url",
    metavar="URL",
    envvar="CXPULSE_DATABASE_URL",
    show_envvar=True,
    default=None,
    help="Results store URL; overrides [database] url. E.g. sqlite:///cx.db or "
    "postgresql+psycopg://postgres@127.0.0.1/cx.",
)
@click.option("-v", "--verbose", count=True, help="More log detail on stderr (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors on stderr.")
@click.version_option(package_name="cxpulse")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, database_url: str | None, verbose: int, quiet: bool) -> None:
    """cxpulse listens to what customers say about your brands and finds what needs a person.

    \b
    Start here:
      cxpulse demo                 one full cycle on built-in demo data
      cxpulse config check         validate config.toml, show the effective settings
      cxpulse init                 create the results store
      cxpulse collect              collect new mentions from every configured source
      cxpulse search "refund -spam" --brand Acme --since 7d

    Data goes to stdout (tables, or JSON with --json); logs and progress to stderr.
    Exit codes: 0 ok, 1 error (one line on stderr says what to do), 2 bad usage.
    """
    app = AppContext(config_path=config_path, database_url=database_url)
    configure_logging(app.err, verbose=verbose, quiet=quiet)
    ctx.obj = app
    ctx.call_on_close(app.close)


register_commands(cli)


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI on ``argv`` and return its exit code (tests call this directly)."""
    try:
        code = cli.main(args=list(argv) if argv is not None else None, prog_name="cxpulse", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show(file=ScrubbedStream.stderr())  # type: ignore[arg-type]
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except CxPulseError as exc:
        click.echo(scrub(f"error: {_one_line(str(exc))}"), err=True)
        return 1
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return 130
    except Exception as exc:
        # A bug, not a user error: one line, the traceback only with -vv (scrubbed like every log line).
        logging.getLogger("cxpulse").debug("the traceback of the unexpected error:", exc_info=True)
        click.echo(
            scrub(
                f"error: unexpected {type(exc).__name__}: {_one_line(str(exc))}; this is a bug in cxpulse: please "
                "report it with this command run again with -vv (SECURITY.md, 'Reporting a problem')"
            ),
            err=True,
        )
        return 1
    return code if isinstance(code, int) else 0


def _one_line(message: str) -> str:
    return " ".join(message.split())


def main() -> None:
    """Console-script entry point."""
    sys.exit(run())
