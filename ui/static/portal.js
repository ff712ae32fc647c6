// Browser-side behaviour that needs no server round trip: copying an organization ID from a card.
// Cards are plain HTML rendered by the server; their copy buttons carry the text and the messages in data-*.
document.addEventListener('click', (event) => {
  const button = event.target.closest && event.target.closest('button[data-copy-text]');
  if (!button) return;
  const notify = (message, type) => window.Quasar.Notify.create({ message, type, position: 'bottom' });
  navigator.clipboard.writeText(button.dataset.copyText).then(
    () => notify(button.dataset.copied, 'positive'),
    () => notify(button.dataset.copyFailed, 'negative'),
  );
});
