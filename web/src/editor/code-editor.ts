/**
 * The BJS code editor: CodeMirror 6 with JavaScript highlighting, completions of the BJS
 * surface, and syntax errors marked where they are. Loaded only by the command page.
 */
import { autocompletion, completeFromList, type Completion } from "@codemirror/autocomplete";
import { javascript, javascriptLanguage } from "@codemirror/lang-javascript";
import { syntaxTree } from "@codemirror/language";
import { linter, lintGutter, type Diagnostic } from "@codemirror/lint";
import { EditorView, basicSetup } from "codemirror";
import { bjsNames } from "./bjs-names.gen";
import { syntaxProblem } from "./syntax-problem";

/** An editor on the page. */
export interface CodeEditor {
  value(): string;
  destroy(): void;
}

const completions: Completion[] = bjsNames.map((name) => ({ label: name.label, type: name.type }));

/** Marks the parser's error nodes, with the compiler's message on the first. */
const syntaxLinter = linter((view) => {
  const code = view.state.doc.toString();
  const message = syntaxProblem(code);
  if (!message) return [];
  const found: Diagnostic[] = [];
  syntaxTree(view.state).iterate({
    enter(node) {
      if (node.type.isError && found.length < 5) found.push({ from: node.from, to: Math.max(node.to, node.from + 1), severity: "error", message });
    },
  });
  return found.length > 0 ? found : [{ from: 0, to: Math.min(code.length, 1), severity: "error", message }];
});

/** Mounts an editor in `parent` with `doc`; `line` (1-based) is selected and scrolled to. */
export function createEditor(parent: HTMLElement, options: { doc: string; label: string; line?: number; onChange?: () => void }): CodeEditor {
  const view = new EditorView({
    doc: options.doc,
    parent,
    extensions: [
      basicSetup,
      javascript(),
      javascriptLanguage.data.of({ autocomplete: completeFromList(completions) }),
      autocompletion(),
      syntaxLinter,
      lintGutter(),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ "aria-label": options.label }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) options.onChange?.();
      }),
    ],
  });
  if (options.line && options.line <= view.state.doc.lines) {
    const line = view.state.doc.line(options.line);
    view.dispatch({ selection: { anchor: line.from, head: line.to }, effects: EditorView.scrollIntoView(line.from, { y: "center" }) });
    view.focus();
  }
  return { value: () => view.state.doc.toString(), destroy: () => view.destroy() };
}
