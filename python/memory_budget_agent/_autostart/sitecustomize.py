"""Put on PYTHONPATH by `python3 -m memory_budget_agent`: starts the agent in multiprocessing's
spawned children (uvicorn --workers, process pools) of an agent's process, then hands over to
the sitecustomize this file shadows (Debian ships one)."""

import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
try:
    _root = os.environ.get("MEMORY_BUDGET_AGENT_PID")
    if _root and _root != str(os.getpid()) and "--multiprocessing-fork" in sys.argv:
        import memory_budget_agent

        memory_budget_agent.start()
except Exception as _err:  # never into the app
    sys.stderr.write("[memory-budget agent] not started in pid %d: %s\n" % (os.getpid(), _err))
finally:
    sys.modules.pop("sitecustomize", None)
    _path = sys.path[:]
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _here]
    try:
        import sitecustomize  # noqa: F401  the one this file shadows
    except ImportError:
        pass
    finally:
        sys.path[:] = _path
