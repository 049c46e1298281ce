// Drag a row of a chapter's items to reorder them: the number fields are renumbered in the
// new order, and "Lưu thứ tự" posts them (the same form works without JavaScript).
document.querySelectorAll("form.sortable tbody").forEach((body) => {
  let dragged = null;
  body.addEventListener("dragstart", (event) => {
    dragged = event.target.closest("tr");
    dragged.classList.add("dragging");
  });
  body.addEventListener("dragend", () => {
    dragged.classList.remove("dragging");
    body.querySelectorAll("tr").forEach((row, index) => {
      const input = row.querySelector("input[type=number]");
      if (input) input.value = index + 1;
    });
    dragged = null;
  });
  body.addEventListener("dragover", (event) => {
    event.preventDefault();
    const over = event.target.closest("tr");
    if (!dragged || !over || over === dragged) return;
    const box = over.getBoundingClientRect();
    const after = event.clientY > box.top + box.height / 2;
    body.insertBefore(dragged, after ? over.nextSibling : over);
  });
});
