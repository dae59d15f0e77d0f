"""The trial database: a SQLite mirror of ClinicalTrials.gov, kept fresh, searchable, with history.

Split by stage:

- fetch: `sync.client` (the API v2 client: retries, rate limit, paging) and `sync.standin`
  (a local stand-in for the API, for tests and offline trials);
- shape: `sync.shape` (study JSON -> typed columns) and `sync.schema` (the schema, as data);
- save: `sync.store` (`open_database`, `save_studies`: one transaction per page, idempotent),
  `sync.history` (previous versions, `changes_since`), `sync.runs` (the run log),
  `sync.parsed` (the `criteria` table: `reparse_stale`, `reparse_all`, `criteria_stats`);
- entry points: `sync.run.sync` (fetch what is asked or followed), `sync.importer.import_paths`
  (offline files), `sync.schedule` (the nightly refresh), `sync.selectors` and `sync.watchlist`
  (what is followed);
- reading: `sync.search` (`search`, `facets`) and `sync.show` (`trial_detail`).

`sync.for_matching` and `sync.patients_db` belong to the matcher.
"""
