"""policymap pipeline: read notices, normalise, outline, extract, write."""
