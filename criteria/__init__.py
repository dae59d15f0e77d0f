"""Eligibility criteria: free text in, typed and explained criteria out.

`parse_criteria(text)` returns `criteria.model.Criterion` objects in source order;
`PARSER_VERSION` changes whenever the output for some text can change.
"""

from criteria.parser import PARSER_VERSION, parse_criteria

__all__ = ["PARSER_VERSION", "parse_criteria"]
