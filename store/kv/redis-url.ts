/** A Redis URL fit for messages and logs: the password, if any, replaced by `***`. */
export function redactPassword(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
}
