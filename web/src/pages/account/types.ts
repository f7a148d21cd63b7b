// Tokens as the server writes them (TokensApi): the owner by id, the secret only once on creation.
export interface TokenRecord {
  id: number;
  name: string;
  user_id: number;
  prefix: string;
  scopes: string[];
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}
export interface CreatedToken { token: TokenRecord; secret: string }
export interface TokenList { items: TokenRecord[] }

/** Every scope POST /tokens accepts (ApiScopes.All), with the role level that makes it mean something. */
export const scopes = [
  { scope: "read", level: "viewer" },
  { scope: "query", level: "analyst" },
  { scope: "run", level: "analyst" },
  { scope: "edit", level: "editor" },
  { scope: "admin", level: "admin" },
] as const;
