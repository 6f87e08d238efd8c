"""The survey satisfaction metric of the assessment (registry `Metric`)."""


def register() -> None:
    """Register this app's metrics (called from SurveysConfig.ready)."""
