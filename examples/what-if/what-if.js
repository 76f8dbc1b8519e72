// The what-if page: every tier and score comes from the core's scoreWhatIf, built to wasm.
import init, { scoreWhatIf } from '../../bindings-wasm/pkg/web/dora_metrics_wasm.js';

const rows = [...document.querySelectorAll('tr[data-metric]')];
const tiers = document.getElementById('tiers');

function values() {
  const result = {};
  for (const row of rows) {
    const text = row.querySelector('input[type=number]').value.trim();
    result[row.dataset.metric] = text === '' ? null : Number(text);
  }
  return result;
}

// Scores are shown to one decimal, as the REST API reports them.
const oneDecimal = score => (score === null ? '–' : (Math.sign(score) * Math.round(Math.abs(score) * 10) / 10).toFixed(1));

function render() {
  const error = document.getElementById('error');
  try {
    const result = scoreWhatIf(values(), { tiers: tiers.value });
    for (const row of rows) {
      const { tier, score } = result.metrics[row.dataset.metric];
      const tierCell = row.querySelector('.tier');
      tierCell.textContent = tier ?? '–';
      tierCell.className = `tier ${tier ?? ''}`;
      row.querySelector('.score').textContent = oneDecimal(score);
    }
    document.getElementById('overall-score').textContent = result.overallScore ?? '–';
    const overallTier = document.getElementById('overall-tier');
    overallTier.textContent = result.overallTier ?? '';
    overallTier.className = `tier ${result.overallTier ?? ''}`;
    error.textContent = '';
  } catch (e) {
    error.textContent = e.message;
  }
  document.body.dataset.ready = 'true';
}

await init();
for (const row of rows) {
  const [number, range] = row.querySelectorAll('input');
  number.addEventListener('input', () => { range.value = number.value; render(); });
  range.addEventListener('input', () => { number.value = range.value; render(); });
}
tiers.addEventListener('change', render);
render();
