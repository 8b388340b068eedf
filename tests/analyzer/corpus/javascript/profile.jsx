// A React component (JSX in a .jsx file).
import React, { useEffect, useState } from "react";
import axios from "axios";

export function Bio({ user }) {
  const [bio, setBio] = useState("");
  useEffect(() => {
    axios.get(`/api/users/${user.id}/bio`).then((res) => setBio(res.data)); // expect: js.unhandled-promise
  }, [user.id]);
  return (
    <section>
      <div
        dangerouslySetInnerHTML={{ __html: bio }} // expect: js.react-dangerous-html
      />
      <div
        dangerouslySetInnerHTML={{ __html: "<em>static</em>" }} // ok: js.react-dangerous-html
      />
      <button onClick={() => setBio("")}>Clear</button>
    </section>
  );
}

export function Legacy({ html }) {
  return React.createElement("div", { dangerouslySetInnerHTML: { __html: html } }); // expect: js.react-dangerous-html
}
