CREATE TYPE "public"."attachment_owner" AS ENUM('report', 'lead');--> statement-breakpoint
CREATE TABLE "attachment_blobs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"sha256" text,
	"size" bigint DEFAULT 0 NOT NULL,
	"media_type" text,
	"complete" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "attachment_chunks" (
	"blob_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "attachment_chunks_blob_id_seq_pk" PRIMARY KEY("blob_id","seq")
);
--> statement-breakpoint
CREATE TABLE "attachments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"plan_id" integer NOT NULL,
	"period_id" text NOT NULL,
	"department_code" text NOT NULL,
	"owner" "attachment_owner" NOT NULL,
	"measure_no" integer,
	"task_seq" integer,
	"file_name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"blob_id" uuid NOT NULL,
	"sha256" text NOT NULL,
	"size" bigint NOT NULL,
	"media_type" text NOT NULL,
	"added_after_version" integer NOT NULL,
	"removed_after_version" integer,
	"uploaded_at" timestamp with time zone NOT NULL,
	"actor_token_id" uuid,
	"actor_email" text,
	"entered_by_office" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lead_opinion_sets" (
	"id" serial PRIMARY KEY NOT NULL,
	"plan_id" integer NOT NULL,
	"period_id" text NOT NULL,
	"department_code" text NOT NULL,
	"status" "report_status" NOT NULL,
	"version" integer NOT NULL,
	"opinions" jsonb NOT NULL,
	"submitted_at" timestamp with time zone,
	"entered_by_office" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "lead_opinion_sets_plan_period_department" UNIQUE("plan_id","period_id","department_code")
);
--> statement-breakpoint
CREATE TABLE "lead_opinion_versions" (
	"set_id" integer NOT NULL,
	"version" integer NOT NULL,
	"action" "report_action" NOT NULL,
	"status" "report_status" NOT NULL,
	"opinions" jsonb NOT NULL,
	"actor_token_id" uuid,
	"actor_email" text,
	"entered_by_office" boolean DEFAULT false NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "lead_opinion_versions_set_version" UNIQUE("set_id","version")
);
--> statement-breakpoint
ALTER TABLE "report_versions" ADD COLUMN "narrative" jsonb;--> statement-breakpoint
ALTER TABLE "reports" ADD COLUMN "narrative" jsonb;--> statement-breakpoint
ALTER TABLE "attachment_chunks" ADD CONSTRAINT "attachment_chunks_blob_id_attachment_blobs_id_fk" FOREIGN KEY ("blob_id") REFERENCES "public"."attachment_blobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_department_code_departments_code_fk" FOREIGN KEY ("department_code") REFERENCES "public"."departments"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_blob_id_attachment_blobs_id_fk" FOREIGN KEY ("blob_id") REFERENCES "public"."attachment_blobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_opinion_sets" ADD CONSTRAINT "lead_opinion_sets_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_opinion_sets" ADD CONSTRAINT "lead_opinion_sets_department_code_departments_code_fk" FOREIGN KEY ("department_code") REFERENCES "public"."departments"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_opinion_versions" ADD CONSTRAINT "lead_opinion_versions_set_id_lead_opinion_sets_id_fk" FOREIGN KEY ("set_id") REFERENCES "public"."lead_opinion_sets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "attachment_blobs_sha256" ON "attachment_blobs" USING btree ("sha256");--> statement-breakpoint
CREATE INDEX "attachments_owner_idx" ON "attachments" USING btree ("plan_id","period_id","department_code","owner");--> statement-breakpoint
CREATE INDEX "attachments_blob_idx" ON "attachments" USING btree ("blob_id");