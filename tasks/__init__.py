"""Units of real work (a file, a submission, a prefecture) as Prefect tasks, wrapping `clustercert`."""

from clustercert.environment import prepare

prepare()
