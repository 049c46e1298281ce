// The exhibition page's "Chép" buttons: copy the embed snippet named by data-copy into the
// clipboard and say so in the status line (the snippets stay selectable without JavaScript).
document.querySelectorAll("button[data-copy]").forEach((button) => {
  const source = document.getElementById(button.dataset.copy);
  const status = document.getElementById(button.dataset.status);
  button.hidden = false;
  button.addEventListener("click", async () => {
    let copied = false;
    try {
      await navigator.clipboard.writeText(source.value);
      copied = true;
    } catch {
      source.select();
      copied = document.execCommand("copy");
    }
    if (status) status.textContent = copied ? button.dataset.done : button.dataset.failed;
  });
});
