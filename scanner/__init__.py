"""trailscan: prove statically that the AWS CloudTrail your IaC sets up is complete, protected and watched."""

__version__ = "0.1.0"
