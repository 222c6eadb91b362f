/** A minimal OpenAPI document for the Dexto-style example apps: the suite learns their routes from it. */
export function dextoOpenApi(title: string): Record<string, unknown> {
  const json = { content: { 'application/json': { schema: { type: 'object' } } } };
  const open = { security: [] };
  const ok = (description: string) => ({ '200': { description, ...json } });
  return {
    openapi: '3.0.3',
    info: { title, version: '1.0.0' },
    components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearerAuth: [] }],
    paths: {
      '/health': { get: { ...open, responses: ok('Healthy') } },
      '/.well-known/agent-card.json': { get: { ...open, responses: ok('Agent card') } },
      '/openapi.json': { get: { ...open, responses: ok('This document') } },
      '/api/llm/current': { get: { responses: ok('Current model') } },
      '/api/sessions': { get: { responses: ok('Sessions') } },
      '/api/sessions/{sessionId}': {
        parameters: [{ name: 'sessionId', in: 'path', required: true, schema: { type: 'string' } }],
        get: { responses: ok('Session') },
        delete: { responses: ok('Deleted') },
      },
      '/api/message': { post: { requestBody: { required: true, ...json }, responses: { '202': { description: 'Accepted', ...json } } } },
      '/api/message-stream': {
        post: { requestBody: { required: true, ...json }, responses: { '200': { description: 'Events', content: { 'text/event-stream': { schema: { type: 'string' } } } } } },
      },
    },
  };
}

/** The agent card served at /.well-known/agent-card.json. */
export const AGENT_CARD = { name: 'example-agent', description: 'Example app for dexto-auth-conformance', version: '1.0.0', skills: [] } as const;
