// Unsaved edits are not lost by leaving an editor by mistake: while `unsaved()` answers true,
// the browser asks before the page goes (in its own words; browsers show no page's text).
export function askBeforeLeaving(unsaved) {
  window.addEventListener('beforeunload', (event) => {
    if (unsaved()) {
      event.preventDefault();
      event.returnValue = ''; // what older browsers look at
    }
  });
}
