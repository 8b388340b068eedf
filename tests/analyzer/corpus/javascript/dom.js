// Browser code: rendering a list of comments.
import DOMPurify from "dompurify";
import { formatDate } from "./format.js";

const list = document.getElementById("comments"); // expect: pattern:dom-manipulation

export function render(comments) {
  list.innerHTML = ""; // ok: js.inner-html
  list.innerHTML = "<li class='empty'>No comments yet</li>"; // ok: js.inner-html
  for (const comment of comments) {
    const item = document.createElement("li");
    item.innerHTML = `<b>${comment.author}</b>: ${comment.text}`; // expect: js.inner-html
    item.title = comment.author;
    list.appendChild(item);
  }
  list.insertAdjacentHTML("beforeend", footer(comments)); // expect: js.inner-html
  list.insertAdjacentHTML("afterbegin", "<hr>"); // ok: js.inner-html
}

export function preview(html) {
  const box = document.querySelector("#preview");
  box.innerHTML = DOMPurify.sanitize(html); // ok: js.inner-html
  box.outerHTML += html; // expect: js.inner-html
}

export function banner(user) {
  document.write("<p>Hello, " + user.name + "</p>"); // expect: js.document-write
  document.write("<p>Welcome!</p>"); // ok: js.document-write
}

function footer(comments) {
  return `<p>${comments.length} comments, last ${formatDate(comments[0].at)}</p>`;
}

const button = document.querySelector("#reload");
button.addEventListener("click", () => render([])); // expect: pattern:events

export async function load(url) {
  const response = await fetch(url); // expect: pattern:http-requests, pattern:async-await
  const data = await response.json();
  return data.items.filter((item) => item.visible).map((item) => item.text); // expect: pattern:higher-order-functions
}
