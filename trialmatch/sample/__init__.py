"""The bundled offline sample: 28 ClinicalTrials.gov API v2 study records written for testing
(`studies/`), ten example patient profiles and a synthetic cohort (`patients/`).

Read them as package data, e.g. `importlib.resources.files("trialmatch.sample") / "studies"`.
See README.md in this folder for what each record is for.
"""
