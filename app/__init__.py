"""eCandidat-Py: online applications to selective university programmes."""
