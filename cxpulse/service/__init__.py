"""The service behind ``cxpulse run``: scheduled collect, classify, digest and alert jobs.

::

    runtime = ServiceRuntime(loaded_config, store, os.environ)
    outcomes = run_due(runtime)          # cxpulse run --once
    serve(runtime)                       # cxpulse run (until SIGTERM)

Job ids, triggers and order: :mod:`cxpulse.service.plan`; persistence:
:mod:`cxpulse.service.jobstore`; what each job does: :mod:`cxpulse.service.jobs`.
"""

from cxpulse.service.daemon import serve
from cxpulse.service.due import run_due
from cxpulse.service.plan import JobSpec, plan_jobs
from cxpulse.service.runtime import JobOutcome, ServiceRuntime

__all__ = ["JobOutcome", "JobSpec", "ServiceRuntime", "plan_jobs", "run_due", "serve"]
