"""An application's configuration as the hot path reads it (``snapshot``), with its compiled rulesets
(``rulesets``), built once per configuration change and kept per worker."""

__all__: list[str] = []
