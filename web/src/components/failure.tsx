import { ApiError } from "../api/client";

/** A failed load or action, said plainly (the API's own sentences when it gave some). */
export function Failure(props: { error?: Error | null }) {
  if (!props.error) return null;
  const messages = props.error instanceof ApiError ? props.error.messages : [props.error.message];
  return (
    <div class="failure" role="alert">
      {messages.map((message) => <p key={message}>{message}</p>)}
    </div>
  );
}
