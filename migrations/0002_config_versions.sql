CREATE TABLE `config_versions` (
	`version` integer PRIMARY KEY NOT NULL,
	`document` text NOT NULL,
	`author` text NOT NULL,
	`message` text,
	`action` text NOT NULL,
	`rolled_back_from` integer,
	`changes` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL,
	CONSTRAINT "config_versions_action" CHECK("config_versions"."action" IN ('activate', 'rollback')),
	CONSTRAINT "config_versions_rollback_source" CHECK(("config_versions"."action" = 'rollback') = ("config_versions"."rolled_back_from" IS NOT NULL))
);
