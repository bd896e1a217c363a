"""Column builders the sample silos share: ids, text, times, comments and e-mail addresses, built whole with numpy and Arrow."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from samples.settings import DAYS, FIRST_DAY, FIRST_MONTH

# --------------------------------------------------------------------------------------------------
# Column builders shared by the sources
# --------------------------------------------------------------------------------------------------

BASE62 = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
SALESFORCE_CHECKSUM_ALPHABET = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", dtype=np.uint8)


def unique_base62(rng: np.random.Generator, n: int, width: int) -> np.ndarray:
    """``n`` distinct random base-62 numbers of ``width`` (at most 10) digits, as an ``(n, width)`` matrix of
    ASCII codes."""
    values = rng.choice(62 ** width, size=n, replace=False)
    digits = np.empty((n, width), dtype=np.uint8)
    for place in range(width - 1, -1, -1):
        digits[:, place] = BASE62[values % 62]
        values //= 62
    return digits


def salesforce_ids(rng: np.random.Generator, prefix: bytes, n: int) -> np.ndarray:
    """``n`` distinct 15-character Salesforce ids as an ``(n, 15)`` matrix: key prefix and pod, then digits."""
    body = unique_base62(rng, n, 15 - len(prefix))
    head = np.broadcast_to(np.frombuffer(prefix, dtype=np.uint8), (n, len(prefix)))
    return np.hstack([head, body])


def with_salesforce_checksum(ids_15: np.ndarray) -> np.ndarray:
    """The 18-character forms: per 5-character chunk, bit i set when character i is upper case A-Z."""
    upper = ((ids_15 >= ord("A")) & (ids_15 <= ord("Z"))).reshape(len(ids_15), 3, 5)
    bits = (upper * (1 << np.arange(5))).sum(axis=2)
    return np.hstack([ids_15, SALESFORCE_CHECKSUM_ALPHABET[bits]])


def fixed_width_text(codes: np.ndarray) -> pa.Array:
    """An Arrow string array from an ``(n, width)`` matrix of ASCII codes, without a Python loop."""
    n, width = codes.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(codes)))


def text(values: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(values), pa.string())


def join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def pick(rng: np.random.Generator, options: Sequence[str], n: int,
          chances: Sequence[float] | None = None) -> pa.Array:
    return pa.array(options, pa.string()).take(pa.array(rng.choice(len(options), size=n, p=chances)))


def blank_some(rng: np.random.Generator, values: pa.Array, share: float) -> pa.Array:
    if share <= 0:
        return values
    blank = pa.array(rng.random(len(values)) < share)
    return pc.if_else(blank, pa.scalar(None, values.type), values)


def chances(weights: Sequence[float]) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    return weights / weights.sum()


def moments(rng: np.random.Generator, days: np.ndarray, first_hour: int, last_hour: int) -> np.ndarray:
    """Times of day between the hours on the given days (offsets from 2024-01-01), sorted, to the second."""
    seconds = rng.integers(first_hour * 3600, last_hour * 3600, size=len(days))
    moments = FIRST_DAY.astype("datetime64[s]") + days.astype(np.int64) * 86_400 + seconds
    return np.sort(moments)


def iso_seconds(moments: np.ndarray) -> pa.Array:
    """``2024-03-18T09:02:11``; Arrow's cast to text is many times faster than its strftime."""
    return pc.replace_substring(pc.cast(pa.array(moments.astype("datetime64[s]")), pa.string()), " ", "T",
                                max_replacements=1)


def us_dates(days: np.ndarray) -> pa.Array:
    """``MM/DD/YYYY`` of days since 2024-01-01, formatted once per calendar day and looked up."""
    calendar = pc.strftime(pa.array(FIRST_DAY + np.arange(DAYS)), format="%m/%d/%Y")
    return calendar.take(pa.array(days))


def months_since_start(moments: np.ndarray) -> np.ndarray:
    return (moments.astype("datetime64[M]") - FIRST_MONTH).astype(np.int32)


def month_label(month: int) -> str:
    return str(FIRST_MONTH + month)


def wave_start_day(wave: int) -> int:
    """Waves open at the start of each quarter from 2024-Q1."""
    return int(((FIRST_MONTH + 3 * (wave - 1)).astype("datetime64[D]") - FIRST_DAY).astype(np.int64))


GENERAL_COMMENTS = [
    'Thanks, "great" experience overall.',
    "Die Einrichtung war umständlich, aber der Support war großartig.",
    "Très bien, merci ! L'équipe a été très réactive.",
    "Ça marche… la plupart du temps.",
    "サポートが迅速でした。ありがとうございます。",
    "日本語のUIが欲しいです。",
    "Love it 😍",
    "👍",
    "Muy útil, pero la interfaz es confusa.",
    "Nothing to add.",
    "ok",
    "First point: speed.\nSecond point: price.",
    "Line one\r\nLine two, with a comma",
    '=HYPERLINK("http://example.com","details")',
    "   see previous ticket   ",
    "Großartig! 🚀 Weiter so.",
]
SALES_COMMENTS = GENERAL_COMMENTS + [
    "Too expensive for what we use.",
    "Pricing was fine, the contract terms were not.",
    'Your rep said "next quarter" three times.',
    "Went with a cheaper tool, sorry.",
    "Budget frozen until Q3; ask again then.",
    "Missing SSO, SCIM and audit logs.\nSecurity would not sign off.",
    "Preis-Leistung passt leider nicht.",
    "Le concurrent proposait une remise de 30 %.",
    "No decision yet — the project is on hold.",
]
SERVICE_COMMENTS = GENERAL_COMMENTS + [
    "Support was slow; took 3 days to answer.",
    "Agent was friendly, issue solved in minutes!",
    "Login broke again 😡 after the update",
    'Had to explain the problem twice, "escalated" twice.',
    "The fix works, thanks.\nPlease update the docs too.",
    "Ticket closed without asking me.",
    "Rückmeldung kam schnell, Problem besteht aber weiterhin.",
    "Réponse rapide, problème résolu.",
    "対応ありがとうございました。",
]
PRODUCT_COMMENTS = GENERAL_COMMENTS + [
    "Please add dark mode, my eyes hurt 🙈",
    "We need SSO before we can roll out to 2,000 users.",
    "Export to Excel would save us hours each week.",
    'The new dashboard is great; the old one was "unusable".',
    "Mobile app crashes on Android 14.",
    "Bitte mehr Integrationen (Slack, Teams, Jira).",
    "Plus de rapports personnalisés, s'il vous plaît.",
    "API rate limits are too strict,\nwe hit them every night.",
    "レポート機能を改善してください。",
]


def comments(rng: np.random.Generator, n: int, pool: Sequence[str], empty_share: float) -> pa.Array:
    """Free-text comments: many empty, some two remarks in one."""
    first, second = pick(rng, pool, n), pick(rng, pool, n)
    two_remarks = pa.array(rng.random(n) < 0.15)
    comments = pc.if_else(two_remarks, pc.binary_join_element_wise(first, second, " "), first)
    return blank_some(rng, comments, empty_share)

