// The share panel's buttons, shown only where the browser can do what they say. The share sheet of the
// device (navigator.share) reaches the apps that have no web address to share to, Signal among them; the
// copy button puts the campaign's link on the clipboard. Without this script the links and the link's
// text box are there all the same.
for (const panel of document.querySelectorAll(".share[data-share-url]")) {
  const { shareTitle: title, shareText: text, shareUrl: url } = panel.dataset;
  const status = panel.querySelector(".share-status");

  const native = panel.querySelector(".share-native");
  if (native && typeof navigator.share === "function") {
    native.hidden = false;
    native.querySelector("button").addEventListener("click", () => {
      // Closing the share sheet rejects the promise; that is the person's choice, not an error.
      navigator.share({ title, text, url }).catch(() => {});
    });
  }

  const copy = panel.querySelector(".share-copy-button");
  if (copy && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(url);
        status.textContent = copy.dataset.copied;
      } catch {
        panel.querySelector(".share-url").select();
        status.textContent = copy.dataset.notCopied;
      }
    });
  }
}
