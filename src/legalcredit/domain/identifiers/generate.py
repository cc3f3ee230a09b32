"""Generators of valid identifiers for tests, demo and benchmark data.

Each takes an explicit ``random.Random`` so data sets are reproducible from a seed.
"""
from __future__ import annotations

import datetime as dt
import random

from . import id_number, uscc

_BODY = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc_code(rng: random.Random, *, authority="3", category="1", region="110000",
              serial: int | None = None) -> str:
    """A USCC whose embedded organisation code also passes GB 11714.

    With ``serial`` (below 31**8) the 8-character organisation body is derived
    from it, so distinct serials give distinct codes (the demo generator relies on that).
    """
    if serial is not None and not 0 <= serial < 31**8:
        raise ValueError("serial must be in [0, 31**8)")
    if serial is None:
        body = "".join(rng.choice(_BODY) for _ in range(8))
    else:
        # Multiplying by a number coprime with 31**8 permutes the serials, so
        # distinct serials still give distinct bodies but they do not look sequential.
        body, n = "", (serial * 0x5DEECE66D) % 31**8
        for _ in range(8):
            n, r = divmod(n, 31)
            body = _BODY[r] + body
    # The GB 11714 check character is 0-9 or X, all inside the USCC alphabet.
    first17 = authority + category + region + body + uscc.org_code_check_character(body)
    return first17 + uscc.check_character(first17)


def id_number_for(region: str, born: dt.date, sequence: int) -> str:
    """An 18-digit ID number; ``sequence`` 0-999, odd for men."""
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_number.check_character(first17)


def random_id_number(rng: random.Random, region: str = "110101", *,
                     min_year=1950, max_year=2000, sex: str | None = None) -> str:
    born = dt.date(rng.randint(min_year, max_year), 1, 1) + dt.timedelta(days=rng.randint(0, 364))
    seq = rng.randint(0, 499) * 2
    if sex == "male" or (sex is None and rng.random() < 0.5):
        seq += 1
    return id_number_for(region, born, seq)


def lawyer_license_no(*, province: str, city: str, year: int, category: str, sex: str,
                      sequence: int) -> str:
    return f"1{province}{city}{year:04d}{category}{'1' if sex == 'male' else '0'}{sequence:06d}"
