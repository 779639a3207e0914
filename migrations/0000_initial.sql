CREATE TYPE "public"."token_role" AS ENUM('department', 'office', 'admin');--> statement-breakpoint
CREATE TYPE "public"."department_kind" AS ENUM('municipal-department', 'central-agency', 'district-government', 'management-body', 'collective');--> statement-breakpoint
CREATE TYPE "public"."assignment_role" AS ENUM('lead', 'responsible');--> statement-breakpoint
CREATE TYPE "public"."period_kind" AS ENUM('quarterly', 'summary');--> statement-breakpoint
CREATE TYPE "public"."report_action" AS ENUM('save', 'submit', 'accept', 'return');--> statement-breakpoint
CREATE TYPE "public"."report_status" AS ENUM('draft', 'submitted', 'accepted', 'returned');--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"token_hash" text NOT NULL,
	"role" "token_role" NOT NULL,
	"department_code" text,
	"label" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_token_id" uuid,
	"actor_role" text NOT NULL,
	"actor_department" text,
	"action" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"request_id" text
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"token_id" uuid NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status_code" integer NOT NULL,
	"body" jsonb NOT NULL,
	"headers" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_token_id_key_pk" PRIMARY KEY("token_id","key")
);
--> statement-breakpoint
CREATE TABLE "department_members" (
	"collective_code" text NOT NULL,
	"member_code" text NOT NULL,
	CONSTRAINT "department_members_collective_code_member_code_pk" PRIMARY KEY("collective_code","member_code")
);
--> statement-breakpoint
CREATE TABLE "departments" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"english_name" text NOT NULL,
	"kind" "department_kind" NOT NULL,
	CONSTRAINT "departments_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "categories" (
	"id" serial PRIMARY KEY NOT NULL,
	"plan_id" integer NOT NULL,
	"ordinal" integer NOT NULL,
	"title" text NOT NULL,
	CONSTRAINT "categories_plan_id_ordinal_unique" UNIQUE("plan_id","ordinal")
);
--> statement-breakpoint
CREATE TABLE "measures" (
	"id" serial PRIMARY KEY NOT NULL,
	"plan_id" integer NOT NULL,
	"category_id" integer NOT NULL,
	"no" integer NOT NULL,
	"title" text NOT NULL,
	CONSTRAINT "measures_plan_id_no_unique" UNIQUE("plan_id","no")
);
--> statement-breakpoint
CREATE TABLE "plan_phases" (
	"id" serial PRIMARY KEY NOT NULL,
	"plan_id" integer NOT NULL,
	"code" text NOT NULL,
	"parent_code" text,
	"ordinal" integer NOT NULL,
	"name" text NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	CONSTRAINT "plan_phases_plan_id_code_unique" UNIQUE("plan_id","code")
);
--> statement-breakpoint
CREATE TABLE "plans" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"title" text NOT NULL,
	"document_no" text NOT NULL,
	"issuer" text NOT NULL,
	"issued_on" date NOT NULL,
	"reporting_rule" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "plans_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "task_assignments" (
	"task_id" integer NOT NULL,
	"role" "assignment_role" NOT NULL,
	"department_code" text NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "task_assignments_task_id_role_department_code_pk" PRIMARY KEY("task_id","role","department_code")
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"id" serial PRIMARY KEY NOT NULL,
	"measure_id" integer NOT NULL,
	"seq" integer NOT NULL,
	"content" text NOT NULL,
	"note" text,
	"lead_open_ended" boolean NOT NULL,
	"responsible_open_ended" boolean NOT NULL,
	CONSTRAINT "tasks_measure_id_seq_unique" UNIQUE("measure_id","seq")
);
--> statement-breakpoint
CREATE TABLE "liaisons" (
	"department_code" text PRIMARY KEY NOT NULL,
	"officer" jsonb NOT NULL,
	"staff" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_versions" (
	"report_id" integer NOT NULL,
	"version" integer NOT NULL,
	"action" "report_action" NOT NULL,
	"status" "report_status" NOT NULL,
	"entries" jsonb NOT NULL,
	"late" boolean,
	"reason" text,
	"actor_token_id" uuid,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "report_versions_report_version" UNIQUE("report_id","version")
);
--> statement-breakpoint
CREATE TABLE "reporting_periods" (
	"plan_id" integer NOT NULL,
	"id" text NOT NULL,
	"ordinal" integer NOT NULL,
	"kind" "period_kind" NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"default_due_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	CONSTRAINT "reporting_periods_plan_period" UNIQUE("plan_id","id")
);
--> statement-breakpoint
CREATE TABLE "reports" (
	"id" serial PRIMARY KEY NOT NULL,
	"plan_id" integer NOT NULL,
	"period_id" text NOT NULL,
	"department_code" text NOT NULL,
	"status" "report_status" NOT NULL,
	"version" integer NOT NULL,
	"entries" jsonb NOT NULL,
	"first_submitted_at" timestamp with time zone,
	"submitted_at" timestamp with time zone,
	"late" boolean,
	"reviewed_at" timestamp with time zone,
	"return_reason" text,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "reports_plan_period_department" UNIQUE("plan_id","period_id","department_code")
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_department_code_departments_code_fk" FOREIGN KEY ("department_code") REFERENCES "public"."departments"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "department_members" ADD CONSTRAINT "department_members_collective_code_departments_code_fk" FOREIGN KEY ("collective_code") REFERENCES "public"."departments"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "department_members" ADD CONSTRAINT "department_members_member_code_departments_code_fk" FOREIGN KEY ("member_code") REFERENCES "public"."departments"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "categories" ADD CONSTRAINT "categories_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "measures" ADD CONSTRAINT "measures_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "measures" ADD CONSTRAINT "measures_category_id_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_phases" ADD CONSTRAINT "plan_phases_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_assignments" ADD CONSTRAINT "task_assignments_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_assignments" ADD CONSTRAINT "task_assignments_department_code_departments_code_fk" FOREIGN KEY ("department_code") REFERENCES "public"."departments"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_measure_id_measures_id_fk" FOREIGN KEY ("measure_id") REFERENCES "public"."measures"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "liaisons" ADD CONSTRAINT "liaisons_department_code_departments_code_fk" FOREIGN KEY ("department_code") REFERENCES "public"."departments"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_versions" ADD CONSTRAINT "report_versions_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reporting_periods" ADD CONSTRAINT "reporting_periods_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_department_code_departments_code_fk" FOREIGN KEY ("department_code") REFERENCES "public"."departments"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_entity_idx" ON "audit_log" USING btree ("entity_type","entity_id");--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");