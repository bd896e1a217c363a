"""Sizes, shares and fixed layouts of the sample silos: constants only."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

import numpy as np

T = TypeVar("T")

SALES = "sales_lost_business"
SERVICE = "service_followup"
PRODUCT_XLSX = "product_planning_xlsx"
PRODUCT_JSONL = "product_planning_jsonl"
SOURCE_NAMES: tuple[str, ...] = (SALES, SERVICE, PRODUCT_XLSX, PRODUCT_JSONL)
"""The sources written, named as the built-in specs name them."""

XLSX_ROW_CAP = 20_000
"""Most workbook rows written in total: openpyxl writes cell by cell, so workbooks stay small."""

MIN_ROWS = 100
"""Fewest responses accepted: every source needs a few rows besides its invalid and repeated ones."""

SALES_SHARE, SERVICE_SHARE = 0.20, 0.55  # product gets the rest
XLSX_SHARE_OF_PRODUCT = 0.4
INVALID_SHARE = 0.005
DUPLICATE_SHARE = 0.003
RESPONSES_PER_ACCOUNT = 40
MIN_ACCOUNTS = 50
MAX_NAME_BATCHES = 100  # of candidate company names, before giving up on finding enough distinct ones
DOMINANT_ACCOUNT_SHARE = 0.02  # of accounts ...
DOMINANT_RESPONSE_SHARE = 0.5  # ... giving this share of responses

FIRST_DAY = np.datetime64("2024-01-01", "D")
FIRST_MONTH = np.datetime64("2024-01", "M")
DAYS = 547  # 2024-01-01 .. 2025-06-30
MONTHS = 18
XLSX_WAVES = (1, 2, 3)
JSONL_WAVES = (4, 5, 6)
WAVE_DAYS = 75  # a wave's invitations stay open this long after its quarter starts

# Written into the workbooks' metadata and zip entries instead of the current time.
FIXED_TIMESTAMP = dt.datetime(2025, 7, 1, 0, 0, 0)
FIXED_ZIP_TIME = (2025, 7, 1, 0, 0, 0)

SALES_HEADER = ("Opportunity ID", "Account Name", "Account ID", "Close Date", "Loss Reason", "Competitor",
                "Likelihood to Reconsider", "Comment", "Amount", "Opportunity Owner")
SERVICE_HEADER = ("ticket_id", "contact_email", "company", "survey_sent_at", "csat", "effort", "category",
                  "comment", "product_area", "agent_team")
XLSX_HEADER = ("Response ID", "Submitted", "User Email", "Organisation", "NPS", "Requested Features", "Comment",
               "Role", "Wave")
JSONL_KEYS = ("response_id", "submitted", "user_email", "organisation_name", "nps", "requested_features",
              "comment", "role", "wave", "app_version")

FILE_COLUMN, ACCOUNT_COLUMN, POSITION_COLUMN = "_file", "_account", "_position"  # travel with rows, never written
