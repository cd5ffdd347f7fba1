/**
 * The few tool-server features these tools need, on the SDK's low-level `Server`: `McpServer` would add
 * zod v3 and zod-to-json-schema to every bundle (about 95 KB minified) for schema conversions zod v4 does
 * itself (`z.toJSONSchema`).
 */
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type Tool,
  type ToolAnnotations,
} from "@modelcontextprotocol/sdk/types.js";
import * as z from "zod/v4";

interface ToolConfig<Shape extends z.ZodRawShape> {
  title: string;
  description: string;
  inputSchema?: Shape;
  annotations?: ToolAnnotations;
}

interface Registered {
  tool: Tool;
  input: z.ZodObject;
  run(args: unknown): Promise<CallToolResult>;
}

export class ToolRegistry {
  readonly #tools = new Map<string, Registered>();

  /** The same shape as `McpServer.registerTool`: a zod shape in, the parsed arguments to the callback. */
  registerTool<Shape extends z.ZodRawShape>(
    name: string,
    config: ToolConfig<Shape>,
    run: (args: z.infer<z.ZodObject<Shape>>) => Promise<CallToolResult>,
  ): void {
    const input = z.object(config.inputSchema ?? ({} as Shape)).strict();
    const inputSchema = z.toJSONSchema(input, { io: "input" }) as Tool["inputSchema"];
    delete (inputSchema as { $schema?: string }).$schema;
    this.#tools.set(name, {
      tool: {
        name,
        title: config.title,
        description: config.description,
        inputSchema,
        annotations: config.annotations,
      },
      input,
      run: (args) => run(args as z.infer<z.ZodObject<Shape>>),
    });
  }

  /** Answers tools/list and tools/call; bad arguments and thrown errors become tool errors, as McpServer does. */
  attach(server: Server): void {
    server.setRequestHandler(ListToolsRequestSchema, async () => ({
      tools: [...this.#tools.values()].map((t) => t.tool),
    }));
    server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
      const found = this.#tools.get(request.params.name);
      if (!found) throw new McpError(ErrorCode.InvalidParams, `Tool ${request.params.name} not found`);
      const parsed = found.input.safeParse(request.params.arguments ?? {});
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(arguments)"}: ${i.message}`);
        return toolError(`Invalid arguments for ${request.params.name}: ${issues.join("; ")}`);
      }
      try {
        return await found.run(parsed.data);
      } catch (error) {
        return toolError(error instanceof Error ? error.message : String(error));
      }
    });
  }
}

const toolError = (message: string): CallToolResult => ({
  isError: true,
  content: [{ type: "text", text: message }],
});
