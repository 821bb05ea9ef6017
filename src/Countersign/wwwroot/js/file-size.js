// A file past its field's limit (data-max-bytes) is refused before it is sent, with the field's own message
// (data-too-large): uploading many megabytes over a slow connection only to be told "too large" wastes a campaigner's time.
for (const input of document.querySelectorAll("input[type=file][data-max-bytes]")) {
  input.addEventListener("change", () => {
    const tooLarge = [...input.files].some((file) => file.size > Number(input.dataset.maxBytes));
    input.setCustomValidity(tooLarge ? input.dataset.tooLarge : "");
    if (tooLarge) {
      input.reportValidity();
    }
  });
}
