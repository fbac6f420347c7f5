"""The processes of the regulation as Prefect flows (thin: the work is in `clustercert`)."""

from clustercert.environment import prepare

prepare()
