-- Write the resolver's answer (temp table resolved_mentions) onto the mentions.
update core.account_mentions m
set account_id = r.account_id, match_method = r.match_method, confidence = r.confidence
from resolved_mentions r
where m.mention_key = r.mention_id;
