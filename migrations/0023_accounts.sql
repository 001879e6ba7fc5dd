CREATE TABLE `account_contacts` (
	`lead_id` text PRIMARY KEY NOT NULL,
	`domain` text NOT NULL,
	`score` real NOT NULL,
	`scored_at` integer NOT NULL,
	`engaged_at` integer,
	`role` text,
	`seniority` text
);
--> statement-breakpoint
CREATE INDEX `account_contacts_domain_engaged` ON `account_contacts` (`domain`,`engaged_at`);--> statement-breakpoint
CREATE TABLE `account_networks` (
	`as_organization` text PRIMARY KEY NOT NULL,
	`domain` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `account_networks_domain` ON `account_networks` (`domain`);--> statement-breakpoint
CREATE TABLE `account_rollups` (
	`domain` text PRIMARY KEY NOT NULL,
	`contacts` text DEFAULT '[]' NOT NULL,
	`signature` text,
	`changed_at` integer,
	`computed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `accounts` (
	`domain` text PRIMARY KEY NOT NULL,
	`name` text,
	`employees` integer,
	`industry` text,
	`revenue` real,
	`country` text,
	`tier` integer,
	`owner` text,
	`technologies` text DEFAULT '[]' NOT NULL,
	`as_organizations` text DEFAULT '[]' NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `leads` ADD `claimed_traits` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `leads` ADD `network_domain` text;--> statement-breakpoint
ALTER TABLE `leads` ADD `account_domain` text GENERATED ALWAYS AS (coalesce(json_extract(traits, '$.company.domain'), CASE WHEN email IS NOT NULL THEN substr(email, instr(email, '@') + 1) ELSE network_domain END)) VIRTUAL;--> statement-breakpoint
CREATE INDEX `leads_account_domain` ON `leads` (`account_domain`);