-- Indexes for the statements chosen per filter combination (issue 14): one article's versions newest id first
-- (its feed and change list read LIMIT rows of it, no sort), and articles by their last change or, never
-- captured, their first sighting (the home page's stream reads its first rows, no sort of every article).
CREATE INDEX versions_article_id ON versions (article_id, id);
CREATE INDEX articles_recent ON articles (coalesce(last_changed, first_seen), id);
