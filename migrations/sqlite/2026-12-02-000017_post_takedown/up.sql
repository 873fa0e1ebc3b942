-- What became of a share's post once its story stopped being publishable (see
-- `shares::post`): held for review, its removal queued, removed, or kept (the network refused
-- to delete it, or nobody could ask it to). NULL: nothing happened to it (live, or never out).
ALTER TABLE shares ADD COLUMN post_state TEXT
    CHECK (post_state IN ('held', 'removal_queued', 'removed', 'removal_failed', 'kept_by_network'));
-- Why, in words (the story's cause, the network's refusal), and since when.
ALTER TABLE shares ADD COLUMN post_reason TEXT;
ALTER TABLE shares ADD COLUMN post_changed_at TIMESTAMP;
