"""Readers for external datasets (see docs/external-data.md): the Surveillance Industry Index, the MVT
indicator catalogue and the Citizen Lab report corpus."""
