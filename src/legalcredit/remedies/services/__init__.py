"""Writes of the remedies: each public function is one transaction (see the modules)."""
