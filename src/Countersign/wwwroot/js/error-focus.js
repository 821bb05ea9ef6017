// A form sent back with problems: its error summary takes the focus, so it is in view and a screen reader
// reads it first. Without scripts the form's address, which ends with the form's fragment, opens the page there.
// Only once the page has loaded: Chromium, having scrolled to a fragment whose element cannot take the focus,
// clears the focus at that moment, which would undo an earlier call.
const focusErrorSummary = () => document.querySelector(".error-summary")?.focus();
if (document.readyState === "complete") {
  focusErrorSummary();
} else {
  window.addEventListener("load", focusErrorSummary, { once: true });
}
