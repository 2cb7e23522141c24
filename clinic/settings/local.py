"""Demo and development: SQLite by default, tasks in process, emails to the console."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env
from .secret import checkout_secret_key

DEBUG = env.bool("DEBUG", default=True)
# SECRET_KEY from the environment, else a random key made for this checkout (.secret_key,
# ignored by git): a fixed key in the repository would sign anyone's demo session cookies.
SECRET_KEY = env("SECRET_KEY", default="") or checkout_secret_key(BASE_DIR / ".secret_key")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
