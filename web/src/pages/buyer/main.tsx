import '../common/style.css';
import { render } from 'preact';
import { BuyerApp } from './buyer-app.js';

render(<BuyerApp />, document.getElementById('app')!);
