import { columnTypes, type Migration } from './types.js';

/**
 * Delegated public services (issue 15, part 1): services an organization publishes, the operators it accredits
 * for them, the cases people file and their timeline, and the alerts already sent about missed objectives.
 */
export const services: Migration = {
  name: '030_services',
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('services')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', (c) => c.notNull())
      // The Open311 service_code and the URL's slug; unique on the instance.
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('eligibility', 'text', (c) => c.notNull())
      // public | members
      .addColumn('audience', 'text', (c) => c.notNull())
      .addColumn('form_schema', t.json, (c) => c.notNull())
      // none | optional | required
      .addColumn('location', 'text', (c) => c.notNull())
      .addColumn('attachments', 'integer', (c) => c.notNull())
      .addColumn('steps', t.json, (c) => c.notNull())
      .addColumn('acknowledge_hours', 'integer', (c) => c.notNull())
      .addColumn('resolve_hours', 'integer', (c) => c.notNull())
      // territory | share | round_robin | least_loaded | manual
      .addColumn('routing', 'text', (c) => c.notNull())
      .addColumn('retention_days', 'integer', (c) => c.notNull())
      .addColumn('alert_below', 'real')
      .addColumn('keywords', t.json, (c) => c.notNull())
      .addColumn('round_robin', 'integer', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('services_organization').on('services').columns(['organization_id']).execute();

    await db.schema
      .createTable('service_operators')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('service_id', 'text', (c) => c.notNull().references('services.id'))
      .addColumn('organization_id', 'text', (c) => c.notNull())
      .addColumn('territory', t.json, (c) => c.notNull())
      .addColumn('share', 'integer')
      .addColumn('starts_on', 'text', (c) => c.notNull())
      .addColumn('ends_on', 'text')
      .addColumn('conditions', 'text', (c) => c.notNull())
      // active | revoked
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('revoked_at', t.timestamp)
      .addColumn('revoked_reason', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('service_operators_service').on('service_operators').columns(['service_id']).execute();
    await db.schema
      .createIndex('service_operators_organization')
      .on('service_operators')
      .columns(['organization_id'])
      .execute();

    await db.schema
      .createTable('service_cases')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('service_id', 'text', (c) => c.notNull().references('services.id'))
      .addColumn('organization_id', 'text', (c) => c.notNull())
      // The accreditation the case is routed to; null while the organization holds it.
      .addColumn('operator_id', 'text')
      .addColumn('operator_organization_id', 'text')
      // Null once the personal data was purged.
      .addColumn('requester_id', 'text')
      // web | api | open311
      .addColumn('channel', 'text', (c) => c.notNull())
      // submitted | acknowledged | info_requested | in_progress | resolved
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('step', 'text')
      .addColumn('territory', 'text')
      .addColumn('lat', 'real')
      .addColumn('lon', 'real')
      .addColumn('address', 'text')
      // Personal data (purged after the service's retention once the case is closed).
      .addColumn('description', 'text')
      .addColumn('answers', t.json)
      .addColumn('contact', t.json)
      .addColumn('media', t.json)
      .addColumn('rating', 'integer')
      .addColumn('submitted_at', t.timestamp, (c) => c.notNull())
      .addColumn('acknowledged_at', t.timestamp)
      .addColumn('resolved_at', t.timestamp)
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addColumn('purged_at', t.timestamp)
      .execute();
    await db.schema
      .createIndex('service_cases_service')
      .on('service_cases')
      .columns(['service_id', 'submitted_at'])
      .execute();
    await db.schema
      .createIndex('service_cases_operator')
      .on('service_cases')
      .columns(['operator_organization_id', 'id'])
      .execute();
    await db.schema
      .createIndex('service_cases_requester')
      .on('service_cases')
      .columns(['requester_id', 'id'])
      .execute();
    await db.schema
      .createIndex('service_cases_organization')
      .on('service_cases')
      .columns(['organization_id', 'id'])
      .execute();

    await db.schema
      .createTable('service_case_notes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('service_cases.id'))
      // submitted | routed | acknowledged | info_requested | info_provided | status_changed | resolved | reassigned |
      // taken_back | complaint | rated
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('author_id', 'text')
      // Whose side wrote it: requester | operator | organization | system
      .addColumn('side', 'text', (c) => c.notNull())
      // public (the requester and Open311 see it) | private (the organization and the current operator)
      .addColumn('visibility', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('step', 'text')
      .addColumn('note', 'text')
      .addColumn('operator_id', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('service_case_notes_case')
      .on('service_case_notes')
      .columns(['case_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('service_alerts')
      .addColumn('service_id', 'text', (c) => c.notNull())
      // The accreditation, or '' for the cases the organization holds itself.
      .addColumn('operator_id', 'text', (c) => c.notNull())
      .addColumn('month', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('service_alerts_pk', ['service_id', 'operator_id', 'month'])
      .execute();
  },
};
