// Event page: clicking a fact marks its evidence span(s) in the article text and scrolls to it.
"use strict";
function showFact(id) {
  document.querySelectorAll("mark.active, .fact.active").forEach((el) => el.classList.remove("active"));
  const marks = document.querySelectorAll(`mark[data-facts~="${CSS.escape(id)}"]`);
  marks.forEach((mark) => mark.classList.add("active"));
  const card = document.getElementById(id);
  if (card) card.classList.add("active");
  if (marks.length) marks[0].scrollIntoView({ block: "center" });
  history.replaceState(null, "", `#${id}`);
}
document.addEventListener("click", (event) => {
  const card = event.target.closest("button.fact[data-fact]");
  if (card) showFact(card.dataset.fact);
});
document.addEventListener("DOMContentLoaded", () => {
  const id = location.hash.slice(1);
  if (id.startsWith("fact-") && document.getElementById(id)) showFact(id);
});
