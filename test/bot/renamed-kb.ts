import type { KnowledgeBase } from "../../kb/knowledge-base.js";
import type { Lang } from "../../kb/schema.js";

/**
 * The knowledge base with some services under other names in one language, everything else as it is:
 * to show how a template reads with a name of another gender or number ("Википедия", "Радио Свобода").
 */
export function renamedKb(kb: KnowledgeBase, lang: Lang, names: Record<string, string>): KnowledgeBase {
  return new Proxy(kb, {
    get(target, prop) {
      if (prop === "service") {
        return (id: string) => {
          const s = target.service(id);
          const name = names[id];
          return s && name ? { ...s, name: { ...s.name, [lang]: name } } : s;
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
