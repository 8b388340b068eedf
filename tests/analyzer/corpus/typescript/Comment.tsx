// A React component in TSX.
import React from "react";
import DOMPurify from "dompurify";

type Props = { body: string; author: string; extra?: any }; // expect: ts.any

export function Comment({ body, author }: Props): JSX.Element {
  const clean = DOMPurify.sanitize(body);
  return (
    <article>
      <h3>{author}</h3>
      <div
        dangerouslySetInnerHTML={{ __html: body }} // expect: js.react-dangerous-html
      />
      <div
        dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(body) }} // ok: js.react-dangerous-html
      />
      <p
        title={
          author == "" ? "anonymous" : author // expect: js.loose-equality
        }
      >
        {clean.length}
      </p>
    </article>
  );
}
