-- Announces changes to the tables that API processes and workers memoise (the 分工表, the
-- directory of units) or cache (api tokens), so that each process drops what it holds
-- (src/db/change-feed.ts). One notification per statement and table, with the table's name;
-- Postgres folds identical notifications of one transaction and delivers them at commit.
CREATE FUNCTION hazchem_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('hazchem_changes', TG_TABLE_NAME);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER plans_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON plans FOR EACH STATEMENT EXECUTE FUNCTION hazchem_notify_change();
--> statement-breakpoint
CREATE TRIGGER categories_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON categories FOR EACH STATEMENT EXECUTE FUNCTION hazchem_notify_change();
--> statement-breakpoint
CREATE TRIGGER measures_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON measures FOR EACH STATEMENT EXECUTE FUNCTION hazchem_notify_change();
--> statement-breakpoint
CREATE TRIGGER tasks_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tasks FOR EACH STATEMENT EXECUTE FUNCTION hazchem_notify_change();
--> statement-breakpoint
CREATE TRIGGER task_assignments_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON task_assignments FOR EACH STATEMENT EXECUTE FUNCTION hazchem_notify_change();
--> statement-breakpoint
CREATE TRIGGER departments_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON departments FOR EACH STATEMENT EXECUTE FUNCTION hazchem_notify_change();
--> statement-breakpoint
CREATE TRIGGER department_members_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON department_members FOR EACH STATEMENT EXECUTE FUNCTION hazchem_notify_change();
--> statement-breakpoint
CREATE TRIGGER api_tokens_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON api_tokens FOR EACH STATEMENT EXECUTE FUNCTION hazchem_notify_change();
