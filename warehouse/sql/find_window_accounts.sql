-- The accounts with responses on the UTC dates that entered or left a trailing window of $window_days dates
-- when its end (the as-of date) moved from $previous_as_of to $as_of: only their windowed figures change.
-- The dates are compared as a range of responded_at (the connection is in UTC), so no row is cast.
create or replace temp table mart_window_accounts as
select distinct m.account_id
from core.feedback_loaded f
join core.account_mentions m using (mention_key)
where f.responded_at >= (least($previous_as_of, $as_of) - $window_days + 1)::timestamptz
  and f.responded_at < (greatest($previous_as_of, $as_of) - $window_days + 1)::timestamptz
  and m.account_id is not null;
