-- Bring the attached copy (published) to core's state for the responses in publish_changed_responses:
-- their rows are replaced; their scores only when the response has a new version (an account does not
-- change scores).
delete from published.core.feedback
where feedback_id in (select feedback_id from publish_changed_responses);

delete from published.core.feedback_scores
where feedback_id in (select feedback_id from publish_changed_responses where is_new_version);
