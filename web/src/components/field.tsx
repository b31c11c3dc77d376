import type { ComponentChildren } from "preact";
import { useId } from "preact/hooks";

/** What a field passes on to its control. */
interface ControlProps {
  type?: string;
  autocomplete?: string;
  required?: boolean;
  minLength?: number;
  maxLength?: number;
  placeholder?: string;
  name?: string;
  rows?: number;
  disabled?: boolean;
  readOnly?: boolean;
  step?: string;
}

/** A labelled input (a text area with `multiline`). */
export function Field(props: ControlProps & { label: string; hint?: ComponentChildren; value: string; onValue: (value: string) => void; multiline?: boolean }) {
  const id = useId();
  const { label, hint, onValue, multiline, ...control } = props;
  const shared = { id, ...control, "aria-describedby": hint ? `${id}-hint` : undefined, onInput: (event: { currentTarget: { value: string } }) => onValue(event.currentTarget.value) };
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {/* Preact types each input `type` apart; these props suit every one used here. */}
      {multiline ? <textarea {...shared} /> : <input {...(shared as Record<string, unknown>)} />}
      {hint && <small id={`${id}-hint`}>{hint}</small>}
    </div>
  );
}
