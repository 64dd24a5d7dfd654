/* Migralex: the little script the pages need (everything works without it).
   Controls marked data-autosubmit submit their form when changed, so a facet checkbox or the
   sort order applies at once; with the keyboard, the form's own submit button does the same. */
"use strict";
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target && target.hasAttribute && target.hasAttribute("data-autosubmit") && target.form) {
    if (target.form.requestSubmit) { target.form.requestSubmit(); } else { target.form.submit(); }
  }
});
