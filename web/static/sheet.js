// The shift sheet's "Print" button: the browser's print dialog (sheet.css lays one A4 page per sheet).
document.querySelectorAll(".print-sheet").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
